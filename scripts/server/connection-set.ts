import type { Server, Socket } from 'node:net';

/** Every connection some servers accepted and that is still open, so that all of them can be destroyed at once. */
export class ConnectionSet {
  #sockets = new Set<Socket>();

  /** Starts tracking the connections `server` accepts. */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Destroys every open connection, and with it every HTTP/2 session and stream on it. */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}
