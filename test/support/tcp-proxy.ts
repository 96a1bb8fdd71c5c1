import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL in the outage tests), that can fail the way networks
 * and databases fail:
 * - `forward`: passes bytes both ways (the default);
 * - `refuse`: cuts every open connection and refuses new ones (a database that is down or restarting);
 * - `blackhole`: keeps connections open but passes nothing either way, and accepts new connections
 *   without ever answering (a database that stops answering: a hung host, a dropped route).
 * `dropResponses(n)` cuts the connection carrying each of the next n answers, when the answer's first bytes
 * arrive: the server has done the work, and the client sees a network error (a lost response).
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  let drops = 0;
  let dropped = 0;
  const pairs = new Set<{ client: Socket; upstream: Socket | null }>();
  const held = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const onConnection = (client: Socket) => {
    client.on('error', () => {});
    if (mode === 'blackhole') {
      held.add(client);
      client.once('close', () => held.delete(client));
      return;
    }
    const pair: { client: Socket; upstream: Socket | null } = { client, upstream: null };
    pairs.add(pair);
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      pairs.delete(pair);
    });
    upstream.on('close', () => client.destroy());
    // Ahead of pipe's own listener: a cut connection passes none of the answer on.
    upstream.prependListener('data', () => {
      if (drops === 0) return;
      drops--;
      dropped++;
      client.destroy();
      upstream.destroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server!.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  // Stops accepting at once (new connections are refused); open ones are cut by the caller.
  const closeListener = () => {
    server?.close();
    server = null;
  };
  await listen();

  return {
    get port() {
      return port;
    },
    /** A connection string for `url` with the proxy's address in place of the server's. */
    url(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    mode: () => mode,
    /** Cuts the connections of the next `count` answers as they arrive (see above). */
    dropResponses(count: number) {
      drops += count;
    },
    /** How many answers `dropResponses` has cut so far. */
    dropped: () => dropped,
    async refuse() {
      mode = 'refuse';
      closeListener();
      for (const s of held) s.destroy();
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
    },
    async blackhole() {
      mode = 'blackhole';
      if (!server) await listen();
      // Open connections stop passing bytes: data already in flight is dropped, nothing new arrives.
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.removeAllListeners('data');
        upstream?.removeAllListeners('data');
        client.pause();
        upstream?.pause();
      }
    },
    async forward() {
      // Connections held by the blackhole never got through; they are cut, as a timed-out peer would be.
      for (const s of held) s.destroy();
      for (const { client, upstream } of pairs) {
        if (client.isPaused()) {
          client.destroy();
          upstream?.destroy();
        }
      }
      mode = 'forward';
      if (!server) await listen();
    },
    async close() {
      await this.refuse();
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;
