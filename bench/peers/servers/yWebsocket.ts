/** @y/websocket-server as its README runs it: setupWSConnection on a `ws` server, in-memory documents. Prints {"port":N}. PORT (default: any free one) lets a restart take the same port. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const server = http.createServer((_req, res) => res.writeHead(200).end('ok'));
const wss = new WebSocketServer({ server });
wss.on('connection', (conn, req) => setupWSConnection(conn, req));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })),
);
process.on('SIGTERM', () => process.exit(0));
