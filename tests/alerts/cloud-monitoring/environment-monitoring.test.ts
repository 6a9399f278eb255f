/** The `monitoring` section of the environment schema, which the Cloud Monitoring plan reads. */
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { environmentSchema } from '../../../environments/schema';

const example = parse(readFileSync('environments/example.yaml', 'utf8')) as Record<string, unknown>;

function parseWith(monitoring: unknown) {
  return environmentSchema.safeParse({ ...example, monitoring });
}

describe('environment monitoring section', () => {
  test('defaults apply when the section is absent', () => {
    // given the example without its monitoring section
    const rest = Object.fromEntries(Object.entries(example).filter(([k]) => k !== 'monitoring'));
    // when
    const result = environmentSchema.safeParse(rest);
    // then
    expect(result.success && result.data.monitoring).toEqual({
      uptimeCheckerRegions: ['EUROPE', 'USA', 'ASIA_PACIFIC'],
      uptimePeriodSeconds: 300,
      uptimeTimeoutSeconds: 10,
      saturationShare: 0.8,
      cpuUtilization: { warning: 0.8, critical: 0.9 },
      diskUtilization: 0.8,
      redisMemoryUsage: { warning: 0.8, critical: 0.9 },
    });
  });

  test.each<[string, unknown, string]>([
    ['rejects fewer than 3 uptime checker regions', { uptimeCheckerRegions: ['EUROPE', 'USA'] }, 'Too small'],
    ['rejects a checker region listed twice', { uptimeCheckerRegions: ['EUROPE', 'USA', 'USA'] }, 'checker regions must be unique'],
    ['rejects an uptime period cloud monitoring does not offer', { uptimePeriodSeconds: 120 }, 'uptimePeriodSeconds'],
    [
      'rejects a warning threshold at or above the critical one',
      { cpuUtilization: { warning: 0.9, critical: 0.9 } },
      'warning must be below critical',
    ],
    ['rejects a saturation share of 1 or more', { saturationShare: 1 }, 'saturationShare'],
  ])('%s', (_name, monitoring, message) => {
    // when
    const result = parseWith(monitoring);
    // then
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
