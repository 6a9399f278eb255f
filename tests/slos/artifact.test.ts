/**
 * `parseGeneratedYaml`, the tool's reader of its own YAML output: it must read every file
 * `slo generate` writes exactly as the `yaml` library (the YAML 1.2 core schema) reads it,
 * including spec text that YAML 1.1 or js-yaml's default schema would read as another type.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseGeneratedYaml } from '../../slos/artifact';
import { TEST_FILE_PARSE } from '../alerts/prometheus/test-file-parse';
import { outputFiles } from '../bin/output-files';
import { runCli } from '../bin/run-cli';

/** A spec whose free text looks like other YAML types: dates, booleans of YAML 1.1, numbers, null. */
const LOOKALIKES = `apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: ledger
owner: finance
labels:
  since: "2024-01-01"
  paged: "yes"
slos:
  - name: writes
    description: Ledger writes succeed.
    objective: 99.9
    window: 28d
    labels:
      code: "0x1F"
      nothing: "null"
      tilde: "~"
      big: "1e3"
      infinite: ".inf"
      octal: "0o17"
    sli:
      ratio:
        errorQuery: sum(rate(ledger_writes_total{code=~"5.."}[{{.window}}]))
        totalQuery: sum(rate(ledger_writes_total[{{.window}}]))
    alerting:
      runbookUrl: https://runbooks.example.org/ledger#writes
      page:
        labels:
          on: "off"
`;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generated-yaml-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The YAML files of an output directory, by path. */
async function generatedYaml(...args: string[]): Promise<[string, string][]> {
  const out = join(tmp, `out-${args.join('-').replace(/\W+/g, '_')}`);
  const r = await runCli('generate', ...args, '--out', out);
  expect([r.code, r.err]).toEqual([0, '']);
  return Object.entries(outputFiles(out)).filter(([path]) => /\.ya?ml$/.test(path));
}

describe('parseGeneratedYaml', () => {
  test('reads plain scalars by the YAML 1.2 core schema, as the yaml library does', () => {
    // given plain scalars that YAML 1.1 or js-yaml's default schema would read otherwise
    const text =
      'date: 2024-01-01\nstamp: 2024-01-01T10:00:00Z\nyes: yes\noff: off\noctal: 0o17\nold_octal: 017\nhex: 0x1F\nsexagesimal: 1:30\nnothing: ~\nempty:\ninf: .inf\nmerge: {<<: {a: 1}}\n';
    // then they read the same, dates and YAML 1.1 words as strings
    expect(parseGeneratedYaml(text)).toEqual(parse(text));
    expect(parseGeneratedYaml(text)).toMatchObject({
      date: '2024-01-01',
      stamp: '2024-01-01T10:00:00Z',
      yes: 'yes',
      off: 'off',
      sexagesimal: '1:30',
    });
  });

  test('reads every YAML file of the example environment as the yaml library does', async () => {
    // given every file slo generate --env writes: rule and promtool test files, server configurations, the routing test
    const files = await generatedYaml('--env', 'example');
    expect(files.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        'alertmanager/alertmanager.yml',
        'alertmanager/routing.test.yaml',
        'prometheus/api.rules.yaml',
        'prometheus/api.test.yaml',
        'prometheus/prometheus.yml',
        'blackbox/blackbox.yml',
      ]),
    );
    // then each reads the same
    for (const [path, text] of files)
      expect({ path, value: parseGeneratedYaml(text) }).toEqual({ path, value: parse(text, TEST_FILE_PARSE) });
  });

  test('reads spec text that looks like a date, a YAML 1.1 boolean, a number or null as the same strings', async () => {
    // given rule and test files carrying such text in annotations and runbook links
    const specs = join(tmp, 'lookalikes');
    mkdirSync(specs);
    writeFileSync(join(specs, 'ledger.yaml'), LOOKALIKES);
    const files = await generatedYaml('--slos', specs);
    const rules = files.find(([path]) => path === 'prometheus/ledger.rules.yaml')![1];
    expect(rules).toMatch(/since: "?2024-01-01/);
    // then each reads the same, the text as strings
    for (const [path, text] of files)
      expect({ path, value: parseGeneratedYaml(text) }).toEqual({ path, value: parse(text, TEST_FILE_PARSE) });
    const labels = JSON.stringify(parseGeneratedYaml(rules));
    for (const pair of [
      '"since":"2024-01-01"',
      '"paged":"yes"',
      '"code":"0x1F"',
      '"nothing":"null"',
      '"tilde":"~"',
      '"big":"1e3"',
      '"infinite":".inf"',
      '"octal":"0o17"',
      '"on":"off"',
    ])
      expect(labels).toContain(pair);
  });
});
