/**
 * The Socket.IO packet encoding both ends use. The default parser sends an event
 * that carries binary as two WebSocket frames (a JSON header, then the attachment);
 * for Galley, where nearly every message is a small binary Yjs update, that doubles
 * the frames written and read. The msgpack parser (maintained by the Socket.IO
 * project) sends each packet as one binary frame. Every client must use it too.
 */
import * as msgpackParser from 'socket.io-msgpack-parser';

export const SOCKET_PARSER = msgpackParser;
