import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `npm run peers` as CI does, with the given arguments. */
function peers(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/compare-peers.ts', ...args], { encoding: 'utf8' });
}

describe('npm run peers', () => {
  test('fails with exit 2 and the usage line when the reference folder is not named', () => {
    // when
    const r = peers('somewhere');
    // then
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('usage: npm run -s peers -- --reference DIR   (DIR holds a copy of the Sloth repository files under sloth/)\n');
  });

  test('fails with exit 2 naming a reference folder that holds no sloth/ folder', () => {
    // given an empty folder
    const dir = mkdtempSync(join(tmpdir(), 'peers-'));
    try {
      // when
      const r = peers('--reference', dir);
      // then
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`peers: ${dir} has no sloth/ folder`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
