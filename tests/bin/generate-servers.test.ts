/**
 * `slo generate --env` also writes the configuration of the platform's own servers
 * (Alertmanager, Prometheus, blackbox exporter); without `--env` the output is the specs' alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_CONFIG_PATHS } from '../../alerts/servers';
import { GENERATED_HEADER } from '../../slos/conventions';
import { runCli as run } from './run-cli';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generate-servers-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('slo generate --env', () => {
  test('writes the Alertmanager, Prometheus and blackbox exporter configuration, deterministically', async () => {
    // when
    const first = await run('generate', '--env', 'example', '--out', join(tmp, 'a'));
    const second = await run('generate', '--env', 'example', '--out', join(tmp, 'b'));
    // then
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    for (const path of Object.values(SERVER_CONFIG_PATHS)) {
      const text = readFileSync(join(tmp, 'a', path), 'utf8');
      expect(text).toContain(GENERATED_HEADER);
      expect(readFileSync(join(tmp, 'b', path), 'utf8')).toBe(text);
    }
    const manifest = JSON.parse(readFileSync(join(tmp, 'a', '.slo-manifest.json'), 'utf8'));
    for (const path of Object.values(SERVER_CONFIG_PATHS)) expect(manifest.files).toHaveProperty([path]);
  });

  test('writes no server configuration without an environment', async () => {
    // when
    const r = await run('generate', '--out', join(tmp, 'plain'));
    // then
    expect(r.code).toBe(0);
    for (const path of Object.values(SERVER_CONFIG_PATHS)) expect(existsSync(join(tmp, 'plain', path))).toBe(false);
  });
});
