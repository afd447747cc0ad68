import cluster, { type Worker } from 'node:cluster';

/**
 * A multi-core server (node:cluster): the primary process forks `count` workers that run the same program, each
 * with its own server on the one shared port, and the kernel hands connections out among them. gRPC's own servers
 * cannot fork; a Node process can, because each worker is a whole new process with its own event loop.
 *
 * In the primary, resolves with the port once every worker listens; in a worker, `listen` runs as usual.
 */
export function listenWithWorkers(count: number, port: number, host: string): Promise<{ port: number; workers: Worker[] }> {
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    let listening = 0;
    let boundPort = port;
    for (let i = 0; i < count; i++) {
      const worker = cluster.fork({ H2GRPC_WORKER: String(i + 1) });
      workers.push(worker);
      worker.once('listening', (address) => {
        boundPort = address.port;
        if (++listening === count) resolve({ port: boundPort, workers });
      });
      worker.once('exit', (code) => {
        if (listening < count) reject(new Error(`worker ${i + 1} exited with code ${code} before listening`));
      });
    }
  });
}

/** True in a worker process forked by listenWithWorkers. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/**
 * Stops forked workers. Gracefully: SIGINT (so a program that handles it can shut its server down), then the IPC
 * channel is closed so the worker can exit once it is done, and after 15 s it is killed. Forcefully: SIGKILL.
 */
export async function stopWorkers(workers: Worker[], signal: NodeJS.Signals): Promise<void> {
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    worker.process.kill(signal);
    if (signal === 'SIGKILL') return;
    worker.disconnect();
    setTimeout(() => worker.process.kill('SIGKILL'), 15_000).unref();
  })));
}
