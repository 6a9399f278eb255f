/**
 * Synthetic SLO specs for the benchmarks: one service's spec file of valid SLOs, alternating a
 * ratio SLI over `http_requests_total` and a latency SLI over `http_request_duration_seconds`,
 * so every bench measures the same mix of rule and dashboard shapes.
 */

/** Options of {@link syntheticSpecFile}. */
export interface SyntheticSpecOptions {
  /** How many SLOs the file holds. */
  readonly slos: number;
  /** Objective (percent) of the ratio SLO at position `i`. */
  readonly ratioObjective: (i: number) => number;
}

/** The YAML text of a spec file for `service`, with the modeline the shipped specs carry. */
export function syntheticSpecFile(service: string, options: SyntheticSpecOptions): string {
  const slos = Array.from({ length: options.slos }, (_, i) =>
    i % 2 === 0
      ? `  - name: errors-${i}
    description: Requests of route ${i} succeed.
    objective: ${options.ratioObjective(i)}
    window: 28d
    sli:
      ratio:
        errorQuery: sum(rate(http_requests_total{job="${service}", route="r${i}", code=~"5.."}[{{.window}}]))
        totalQuery: sum(rate(http_requests_total{job="${service}", route="r${i}"}[{{.window}}]))
    alerting:
      runbookUrl: https://runbooks.example.org/${service}#errors-${i}
`
      : `  - name: latency-${i}
    description: Requests of route ${i} are fast.
    objective: 99
    window: 30d
    sli:
      latency:
        histogram: http_request_duration_seconds
        selector: job="${service}", route="r${i}"
        thresholdSeconds: 0.25
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5]
    alerting:
      page:
        enabled: false
`,
  );
  return `# yaml-language-server: $schema=./schema.json
apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: ${service}
owner: team-${service}
slos:
${slos.join('')}`;
}
