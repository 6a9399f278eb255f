/**
 * Prometheus, Alertmanager and the blackbox exporter on 127.0.0.1, each on a free port with its
 * own temporary data directory, started from a config file and returned once ready.
 */
import { join } from 'node:path';
import { waitReady } from './http';
import { freePort, makeTempDir, startProcess, type ManagedProcess } from './processes';
import { PrometheusApi } from './prometheus-api';
import { AlertmanagerApi } from './alertmanager-api';

/** A server the harness started. */
export interface Server {
  readonly process: ManagedProcess;
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Its data directory (removed on cleanup). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** How long a server may take to become ready. */
const READY_TIMEOUT_MS = 60_000;

async function startServer(
  name: string,
  binary: string,
  args: (port: number, dataDir: string) => string[],
  readyPath: string,
  options: { dataDir?: string; logDir?: string; cwd?: string; port?: number },
): Promise<Server> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? makeTempDir(name);
  const proc = startProcess(name, binary, args(port, dataDir), options.logDir ?? dataDir, options.cwd);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}${readyPath}`, READY_TIMEOUT_MS, () => !proc.exited());
  } catch (e) {
    await proc.stop();
    throw new Error(`${name} did not become ready: ${(e as Error).message}\n${proc.logTail()}`);
  }
  return { process: proc, url, port, dataDir, stop: () => proc.stop() };
}

/** Options of `startPrometheus`. */
export interface PrometheusOptions {
  /** Path of the prometheus binary (`findTool('prometheus')`). */
  readonly binary: string;
  /** The configuration file; rule files are resolved relative to it. */
  readonly configFile: string;
  /**
   * TSDB directory, possibly holding backfilled blocks.
   *
   * @default a new temporary directory
   */
  readonly dataDir?: string;
  /**
   * How long samples are kept; must cover the backfilled history.
   *
   * @default 40d - more than the longest SLO window (30d)
   */
  readonly retention?: string;
  /** Name in logs and process lists. @default prometheus */
  readonly name?: string;
  /** Directory of the log file. @default the data directory */
  readonly logDir?: string;
}

/** A running Prometheus and its HTTP API. */
export interface PrometheusServer extends Server {
  readonly api: PrometheusApi;
}

/** Starts Prometheus with `configFile`; resolves when `/-/ready` answers. */
export async function startPrometheus(o: PrometheusOptions): Promise<PrometheusServer> {
  const server = await startServer(
    o.name ?? 'prometheus',
    o.binary,
    (port, dataDir) => [
      `--config.file=${o.configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
      `--storage.tsdb.retention.time=${o.retention ?? '40d'}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    '/-/ready',
    { dataDir: o.dataDir, logDir: o.logDir },
  );
  return { ...server, api: new PrometheusApi(server.url) };
}

/** Options of `startAlertmanager`. */
export interface AlertmanagerOptions {
  /** Path of the Alertmanager binary (`findTool('alertmanager')`). */
  readonly binary: string;
  /** The configuration file; template paths are resolved relative to it. */
  readonly configFile: string;
  /** Name in logs. @default alertmanager */
  readonly name?: string;
  /** Port to listen on, when the Prometheus config must name it first. @default a free port */
  readonly port?: number;
  /** Directory of the log file. @default its data directory */
  readonly logDir?: string;
}

/** A running Alertmanager and its HTTP API. */
export interface AlertmanagerServer extends Server {
  readonly api: AlertmanagerApi;
}

/** Starts Alertmanager, clustering off (no gossip port); resolves when `/-/ready` answers. */
export async function startAlertmanager(o: AlertmanagerOptions): Promise<AlertmanagerServer> {
  const server = await startServer(
    o.name ?? 'alertmanager',
    o.binary,
    (port, dataDir) => [
      `--config.file=${o.configFile}`,
      `--storage.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty address turns the cluster (gossip on 0.0.0.0:9094) off.
      '--cluster.listen-address=',
    ],
    '/-/ready',
    { logDir: o.logDir, port: o.port },
  );
  return { ...server, api: new AlertmanagerApi(server.url) };
}

/** Options of `startBlackboxExporter`. */
export interface BlackboxOptions {
  /** Path of the exporter binary (`findTool('blackbox')`). */
  readonly binary: string;
  /** Its module configuration (`blackbox.yml`). */
  readonly configFile: string;
  /** Directory of the log file. @default a temporary directory */
  readonly logDir?: string;
}

/** Starts the blackbox exporter; resolves when `/-/ready` answers (`/probe` is then usable). */
export function startBlackboxExporter(o: BlackboxOptions): Promise<Server> {
  return startServer(
    'blackbox-exporter',
    o.binary,
    (port) => [`--config.file=${o.configFile}`, `--web.listen-address=127.0.0.1:${port}`],
    '/-/ready',
    { logDir: o.logDir },
  );
}
