/** Typed helpers over Alertmanager's v2 HTTP API. */
import { fetchJson } from './http';

/** One alert as Alertmanager holds it. */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: readonly string[] };
  readonly receivers: readonly { readonly name: string }[];
}

/** An Alertmanager's API at `baseUrl`. */
export class AlertmanagerApi {
  constructor(readonly baseUrl: string) {}

  /** Every alert Alertmanager holds (active, inhibited or silenced). */
  alerts(): Promise<AlertmanagerAlert[]> {
    return fetchJson<AlertmanagerAlert[]>(`${this.baseUrl}/api/v2/alerts`);
  }

  /** The loaded configuration as YAML (`/api/v2/status`). */
  async configYaml(): Promise<string> {
    return (await fetchJson<{ config: { original: string } }>(`${this.baseUrl}/api/v2/status`)).config.original;
  }
}
