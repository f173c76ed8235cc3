import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { batchedStdout, createJsonLogger, type Logger } from './http/logger.js';
import { LatencyMonitor } from './latency/monitor.js';
import { readDisk } from './samplers/disk.js';
import { SystemSampler } from './samplers/system.js';
import { drain, listen } from './server.js';

// Not one of the shared settings: pods listen on every interface (the default), tests and the demo on loopback.
const LISTEN_ADDRESS_VARIABLE = 'LISTEN_ADDRESS';

async function checkDiskPath(path: string): Promise<void> {
  try {
    await readDisk(path);
  } catch (error) {
    throw new ConfigError(
      'DISK_PATH',
      path,
      `a path that exists (statfs: ${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

/** Starts the service from the environment; exits 2 on bad configuration, 1 if shutdown had to cut connections. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const writeLine = batchedStdout();
  let logger: Logger = createJsonLogger('info', writeLine);
  try {
    const config = loadConfig(env);
    logger = createJsonLogger(config.logLevel, writeLine);
    await checkDiskPath(config.diskPath);

    const system = new SystemSampler({
      diskPath: config.diskPath,
      onError: (error) => logger.warn('system sample failed', { error: String(error) }),
    });
    await system.start();
    const latency = new LatencyMonitor({
      targets: config.latencyTargets,
      intervalSeconds: config.latencyIntervalSeconds,
      timeoutMs: config.latencyTimeoutMs,
    });
    latency.start();

    const { app, shutdown } = createApp({ config, system, latency, logger });
    const host = env[LISTEN_ADDRESS_VARIABLE]?.trim() || '0.0.0.0';
    const server = await listen(app, config.port, host);
    logger.info('listening', {
      host,
      port: config.port,
      version: config.appVersion,
      environment: config.environment,
    });

    const onSignal = (signal: NodeJS.Signals) => {
      if (shutdown.draining) return;
      logger.info('signal received', { signal });
      system.stop();
      latency.stop();
      void drain({ server, shutdown, graceMs: config.shutdownGraceSeconds * 1000, logger }).then((clean) => {
        logger.info('stopped', { clean });
        process.exit(clean ? 0 : 1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error('start-up failed', { error: message });
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}
