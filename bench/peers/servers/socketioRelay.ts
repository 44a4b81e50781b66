/**
 * The floor: a plain Socket.IO relay. Each binary 'm' event goes to the other sockets of its room
 * (room = handshake query). No state. Prints {"port":N}. RELAY_PARSER=single-frame uses Galley's
 * parser (shared/socketParser.ts), which sends each event as one WebSocket frame.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SOCKET_PARSER } from '../../../shared/socketParser';

const httpServer = http.createServer();
const parser = process.env.RELAY_PARSER === 'single-frame' ? { parser: SOCKET_PARSER } : {};
const io = new Server(httpServer, { serveClient: false, transports: ['websocket'], maxHttpBufferSize: 100 * 1024 * 1024, ...parser });
io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room ?? '');
  void socket.join(room);
  socket.on('m', (data: Buffer) => socket.to(room).emit('m', data));
});
httpServer.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (httpServer.address() as AddressInfo).port })));
process.on('SIGTERM', () => process.exit(0));
