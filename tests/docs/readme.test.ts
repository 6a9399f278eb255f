/**
 * README snippets are executable (STYLE §13): the spec example validates, every `npm run` script
 * and `slo` command it names exists, and the test command CI runs is the README's.
 */
import { readFileSync } from 'node:fs';
import { buildCatalog } from '../../slos/catalog';
import { formatProblem } from '../../slos/problems';
import { usage } from '../../bin/slo';

const readme = readFileSync('README.md', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

function blocks(lang: string): string[] {
  return [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

describe('README', () => {
  test('the spec example is a valid spec', () => {
    // given
    const specs = blocks('yaml').filter((b) => b.includes('apiVersion: slo-platform/v1'));
    expect(specs.length).toBeGreaterThan(0);
    for (const text of specs) {
      // when
      const { problems } = buildCatalog([{ file: 'README.md', text }]);
      // then
      expect(problems.map(formatProblem)).toEqual([]);
    }
  });

  test('every npm script it runs exists in package.json', () => {
    const named = [...readme.matchAll(/npm run (?:-s )?([a-z0-9:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    for (const script of new Set(named)) expect(Object.keys(pkg.scripts)).toContain(script);
  });

  test('every slo command it shows is a command of the CLI', () => {
    const commands = [...readme.matchAll(/(?:npx slo|npm run -s slo --) ([a-z]+)/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(3);
    for (const c of new Set(commands)) expect(usage()).toContain(`  ${c} `);
  });

  test('states the two fresh-machine commands, and CI runs them in its checkout and in a fresh clone', () => {
    // then: the main job and the tests, as the quick start gives them
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('npm ci && npm test');
    // and .ci/run runs the test command here, then both commands in a clone in an empty temporary folder
    const steps = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .flatMap((l) => /^(npm ci|npm test|npm run -s synth|git clone|\w+=\$\(mktemp -d\)|npm run -s peers)(?=\s|$)/.exec(l)?.[1] ?? []);
    expect(steps.map((s) => s.replace(/^\w+=/, ''))).toEqual([
      'npm ci',
      'npm test',
      '$(mktemp -d)',
      'git clone',
      'npm ci',
      'npm run -s synth',
      'npm ci',
      'npm test',
      'npm run -s peers',
    ]);
  });
});
