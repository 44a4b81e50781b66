/** The floor: a plain `ws` relay. Each binary message goes to the other sockets of its room (room = URL path). No state. Prints {"port":N}. */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 100 * 1024 * 1024 });
wss.on('connection', (socket, req) => {
  const room = req.url ?? '/';
  let members = rooms.get(room);
  if (!members) rooms.set(room, (members = new Set()));
  members.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const other of members) if (other !== socket && other.readyState === WebSocket.OPEN) other.send(data, { binary: isBinary });
  });
  socket.on('close', () => {
    members.delete(socket);
    if (members.size === 0) rooms.delete(room);
  });
  socket.on('error', () => {});
});
wss.on('listening', () => console.log(JSON.stringify({ port: (wss.address() as AddressInfo).port })));
process.on('SIGTERM', () => process.exit(0));
