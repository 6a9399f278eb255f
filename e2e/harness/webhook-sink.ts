/**
 * A webhook receiver for Alertmanager: records every notification it is sent, with the receiver
 * it was meant for and the time it arrived. Alertmanager's receivers are pointed at
 * `<sink url>/<any path>`; the path is recorded too, so one sink can serve several Alertmanagers.
 */
import { createServer, type Server } from 'node:http';

/** One alert inside a notification (Alertmanager's webhook payload, version 4). */
export interface NotifiedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** One notification as the sink received it. */
export interface Notification {
  /** Request path, e.g. `/healthy/example-page`. */
  readonly path: string;
  /** `receiver` of the payload: the Alertmanager receiver that sent it. */
  readonly receiver: string;
  /** Status of the group: `firing` while any alert of it fires. */
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly NotifiedAlert[];
  /** Arrival time, Unix milliseconds. */
  readonly receivedAtMs: number;
}

/** A running sink. */
export interface WebhookSink {
  readonly url: string;
  readonly port: number;
  /** Every notification received so far, oldest first. */
  readonly notifications: readonly Notification[];
  /** Notifications whose path starts with `prefix`. */
  received(prefix: string): Notification[];
  stop(): Promise<void>;
}

/** Starts a sink on 127.0.0.1 (a free port unless `port` is given). */
export function startWebhookSink(port = 0): Promise<WebhookSink> {
  const notifications: Notification[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAtMs = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Notification, 'path' | 'receivedAtMs'>;
        notifications.push({
          path: req.url ?? '/',
          receiver: body.receiver,
          status: body.status,
          groupLabels: body.groupLabels ?? {},
          alerts: body.alerts ?? [],
          receivedAtMs,
        });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end('not an Alertmanager webhook payload');
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        notifications,
        received: (prefix) => notifications.filter((n) => n.path.startsWith(prefix)),
        stop: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
