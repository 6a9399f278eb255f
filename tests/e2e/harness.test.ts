import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, MissingToolError, sampleTimes, seriesKey, startWebhookSink, writeOpenMetrics } from '../../e2e/harness';

describe('the end-to-end harness', () => {
  test('sample times are aligned to the step and include both ends on the grid', () => {
    expect([...sampleTimes(61_000, 240_000, 60_000)]).toEqual([120_000, 180_000, 240_000]);
  });

  test('a series key sorts labels and escapes quotes, backslashes and line breaks', () => {
    expect(seriesKey('m', { z: '1', a: 'x"y\\z\nw' })).toBe('m{a="x\\"y\\\\z\\nw",z="1"}');
  });

  test('OpenMetrics output is split per block, in time order, each file ending with # EOF', async () => {
    // given
    const dir = mkdtempSync(join(tmpdir(), 'harness-test-'));
    const hour = 3600_000;
    try {
      // when
      const written = await writeOpenMetrics(dir, [
        { name: 'up', labels: { job: 'api' }, samples: [...sampleTimes(0, 60 * hour, 30 * hour)].map((t) => [t, 1] as const) },
      ]);
      // then
      expect(written).toMatchObject({ series: 1, samples: 3 });
      expect(written.files).toHaveLength(2);
      expect(readFileSync(written.files[0]!, 'utf8')).toBe('up{job="api"} 1 0\nup{job="api"} 1 108000\n# EOF\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects samples out of time order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-test-'));
    try {
      await expect(
        writeOpenMetrics(dir, [
          {
            name: 'up',
            labels: {},
            samples: [
              [2000, 1],
              [1000, 1],
            ],
          },
        ]),
      ).rejects.toThrow(/not in time order/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails with the Debian package to install when a tool is missing, and when its override is no executable', () => {
    expect(() => findTool('amtool', { PATH: '/nonexistent' }, [])).toThrow(
      new MissingToolError(
        'amtool not found on PATH (or $AMTOOL): install it with `apt-get install -y prometheus-alertmanager` (Debian/Ubuntu)',
      ),
    );
    expect(() => findTool('promtool', { PROMTOOL: '/nonexistent/promtool' })).toThrow(/\$PROMTOOL is set to \/nonexistent\/promtool/);
  });

  test('the webhook sink records each notification with its path, receiver and arrival time', async () => {
    // given
    const sink = await startWebhookSink();
    try {
      const before = Date.now();
      // when
      const res = await fetch(`${sink.url}/world/example-page`, {
        method: 'POST',
        body: JSON.stringify({
          receiver: 'example-page',
          status: 'firing',
          groupLabels: { slo: 'x' },
          alerts: [{ status: 'firing', labels: { alertname: 'A' } }],
        }),
      });
      // then
      expect(res.status).toBe(200);
      expect(sink.received('/world/')).toHaveLength(1);
      expect(sink.notifications[0]).toMatchObject({ path: '/world/example-page', receiver: 'example-page', status: 'firing' });
      expect(sink.notifications[0]!.receivedAtMs).toBeGreaterThanOrEqual(before);
      expect((await fetch(sink.url, { method: 'POST', body: 'nope' })).status).toBe(400);
    } finally {
      await sink.stop();
    }
  });
});
