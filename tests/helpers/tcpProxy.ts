/**
 * A TCP proxy on a random loopback port, for cutting a server off from a service
 * (Postgres) and back without touching the service itself: `pause` drops every
 * connection and refuses new ones, `resume` lets them through again. `freeze`
 * stops forwarding on every open connection without closing it: a network that
 * dies silently, which neither end is told about.
 */
import net from 'node:net';

export type TcpProxy = { port: number; pause(): void; resume(): void; freeze(): void; close(): Promise<void> };

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let paused = false;
  const server = net.createServer((incoming) => {
    if (paused) return void incoming.destroy();
    const outgoing = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [incoming, outgoing];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      incoming.destroy();
      outgoing.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    pause() {
      paused = true;
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    resume() {
      paused = false;
    },
    freeze() {
      for (const [a, b] of pairs) {
        a.unpipe(b);
        b.unpipe(a);
        a.pause();
        b.pause();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
