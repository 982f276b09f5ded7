/**
 * libcurl's connection cache, as one curl command uses it: a connection
 * whose response allowed keep-alive is kept for the next URL to the same host
 * and port ("Re-using existing connection!"), and closed when curl exits.
 */

import type { Stream } from "../net/index.js";

/** An open connection curl may send the next request on. */
export interface CurlConnection {
  readonly host: string;
  readonly port: number;
  /** The address it connected to. */
  readonly address: string;
  /** curl's connection number (`#0`). */
  readonly number: number;
  readonly stream: Stream;
}

/** The connections of one curl command (libcurl keeps up to five; one URL at a time needs one). */
export class CurlConnectionCache {
  private kept: CurlConnection | undefined;
  /** Set when the kept connection's server closed or reset it. */
  private lost = false;
  private nextNumber = 0;

  /** The number for a new connection. */
  newNumber(): number {
    return this.nextNumber++;
  }

  /** Keeps `connection` for a later URL; closes whatever was kept before. */
  keep(connection: CurlConnection): void {
    if (this.kept !== undefined && this.kept !== connection) this.kept.stream.close();
    this.kept = connection;
    this.lost = false;
    const lose = (): void => {
      if (this.kept === connection) this.lost = true;
    };
    connection.stream.once("end", lose);
    connection.stream.once("reset", lose);
    connection.stream.once("close", lose);
  }

  /** Takes the kept connection if it goes to `host:port` and is still open. */
  take(host: string, port: number): CurlConnection | undefined {
    const kept = this.kept;
    if (kept === undefined || kept.host !== host || kept.port !== port) return undefined;
    this.kept = undefined;
    if (this.lost || kept.stream.state !== "open") {
      kept.stream.close();
      return undefined;
    }
    return kept;
  }

  /** curl exits: the kept connection closes. */
  closeAll(): void {
    this.kept?.stream.close();
    this.kept = undefined;
  }
}
