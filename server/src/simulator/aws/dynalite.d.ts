/** dynalite ships no types: it exports a function that returns a Node HTTP server. */
declare module 'dynalite' {
  import type { Server } from 'node:http';
  function dynalite(options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }): Server;
  export default dynalite;
}
