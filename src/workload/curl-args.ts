/**
 * curl's command line and URLs, as curl 7.35.0's tool reads them (the options
 * the modelled scripts use). Pure: argv in, a request or curl's own error
 * text out. Only http:// is modelled; other schemes get the answer of a
 * libcurl built without them.
 */

import { parseIpv4 } from "../net/index.js";

/** What to fetch and how. */
export interface CurlOptions {
  /** -s: no meter, no error messages. */
  readonly silent: boolean;
  /** -S: error messages even with -s. */
  readonly showError: boolean;
  /** -v: the `*`, `>` and `<` lines on stderr. */
  readonly verbose: boolean;
  /** -I: a HEAD request; the headers go to stdout. */
  readonly head: boolean;
  /** -i: the headers go to stdout before the body. */
  readonly include: boolean;
  /** -f: an HTTP status of 400 or more fails with exit 22, without the body. */
  readonly fail: boolean;
  /** -o FILE: the body goes to FILE instead of stdout (the model has no files: it is discarded). */
  readonly output: string | undefined;
  /** -m SECONDS: the most the whole transfer may take. */
  readonly maxTimeSeconds: number | undefined;
  /** --connect-timeout SECONDS (default 300: lib/connect.h DEFAULT_CONNECT_TIMEOUT). */
  readonly connectTimeoutSeconds: number;
  /** -X METHOD. */
  readonly method: string | undefined;
  /** -A: the User-Agent. */
  readonly userAgent: string | undefined;
  /** -H "Name: value", in order. */
  readonly headers: readonly string[];
  readonly urls: readonly string[];
}

/** A parsed http:// URL. */
export interface CurlUrl {
  readonly host: string;
  readonly port: number;
  /** The request target: path and query, `/` if the URL had none. */
  readonly target: string;
  /** True if the URL had no path (curl -v says "Rebuilt URL to: host/"). */
  readonly rebuilt: boolean;
  /** The URL as curl prints it after rebuilding. */
  readonly text: string;
  /** The Host header's value: the host, with the port unless it is 80. */
  readonly hostHeader: string;
}

/** curl's exit status and message for a URL or command line it cannot use (stderr text, newline included). */
export interface CurlRefusal {
  readonly status: number;
  readonly message: string;
}

const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/** lib/connect.h DEFAULT_CONNECT_TIMEOUT: 300 000 ms. */
export const curlDefaultConnectTimeoutSeconds = 300;

/** Options without a value, and what each sets (`ignored`: accepted, no effect in the model). */
const FLAGS: Readonly<Record<string, string>> = {
  "-s": "silent",
  "--silent": "silent",
  "-S": "showError",
  "--show-error": "showError",
  "-v": "verbose",
  "--verbose": "verbose",
  "-I": "head",
  "--head": "head",
  "-i": "include",
  "--include": "include",
  "-f": "fail",
  "--fail": "fail",
  "-L": "ignored",
  "--location": "ignored",
  "-k": "ignored",
  "--insecure": "ignored",
  "-4": "ignored",
  "--ipv4": "ignored",
  "-N": "ignored",
  "--no-buffer": "ignored",
};

/** Options that take a value, and the field it fills. */
const VALUED: Readonly<Record<string, keyof Values | "header">> = {
  "-o": "output",
  "--output": "output",
  "-m": "maxTime",
  "--max-time": "maxTime",
  "--connect-timeout": "connectTimeout",
  "-X": "method",
  "--request": "method",
  "-A": "userAgent",
  "--user-agent": "userAgent",
  "-H": "header",
  "--header": "header",
};

interface Values {
  output?: string;
  maxTime?: string;
  connectTimeout?: string;
  method?: string;
  userAgent?: string;
}

function unknownOption(option: string): CurlRefusal {
  return { status: 2, message: `curl: option ${option}: is unknown\n${TRY_HELP}` };
}

/**
 * Reads curl's arguments (after `curl`).
 *
 * @example
 * parseCurlArgs(["-s", "web"]) // { ok: true, options: { silent: true, urls: ["web"], ... } }
 */
export function parseCurlArgs(args: readonly string[]): { ok: true; options: CurlOptions } | ({ ok: false } & CurlRefusal) {
  const set = new Set<string>();
  const values: Values = {};
  const headers: string[] = [];
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      urls.push(arg);
      continue;
    }
    // Short options may be bundled (-sS, -sI) and a value may follow its letter (-o/dev/null).
    const options = arg.startsWith("--") ? [arg] : [...arg.slice(1)].map((c) => `-${c}`);
    for (let k = 0; k < options.length; k++) {
      const option = options[k]!;
      const flag = FLAGS[option];
      if (flag !== undefined) {
        set.add(flag);
        continue;
      }
      const valued = VALUED[option];
      if (valued === undefined) return { ok: false, ...unknownOption(arg.startsWith("--") ? arg : option) };
      const attached = arg.startsWith("--") ? "" : arg.slice(k + 2);
      const value = attached !== "" ? attached : args[++i];
      if (value === undefined) return { ok: false, status: 2, message: `curl: option ${option}: requires parameter\n${TRY_HELP}` };
      if (valued === "header") headers.push(value);
      else values[valued] = value;
      break;
    }
  }
  if (urls.length === 0) return { ok: false, status: 2, message: `curl: no URL specified!\n${TRY_HELP}` };
  const seconds = (text: string | undefined): number | undefined | "bad" => (text === undefined ? undefined : /^\d+(\.\d+)?$/.test(text) ? Number(text) : "bad");
  const maxTime = seconds(values.maxTime);
  const connectTimeout = seconds(values.connectTimeout);
  if (maxTime === "bad" || connectTimeout === "bad") return { ok: false, status: 2, message: `curl: option ${maxTime === "bad" ? "-m" : "--connect-timeout"}: expected a proper numerical parameter\n${TRY_HELP}` };
  const options: CurlOptions = {
    silent: set.has("silent"),
    showError: set.has("showError"),
    verbose: set.has("verbose"),
    head: set.has("head"),
    include: set.has("include"),
    fail: set.has("fail"),
    output: values.output,
    maxTimeSeconds: maxTime,
    connectTimeoutSeconds: connectTimeout ?? curlDefaultConnectTimeoutSeconds,
    method: values.method,
    userAgent: values.userAgent,
    headers,
    urls,
  };
  return { ok: true, options };
}

const URL_PARTS = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([^/:?#]*)(?::([^/?#]*))?([^#]*)/;

/**
 * Reads a URL as curl does: no scheme means http; `web`, `web:8080`,
 * `http://web/path?x=1`, `10.0.1.5`.
 *
 * @example
 * parseCurlUrl("web:8080") // { ok: true, url: { host: "web", port: 8080, target: "/", hostHeader: "web:8080", ... } }
 */
export function parseCurlUrl(text: string): { ok: true; url: CurlUrl } | ({ ok: false } & CurlRefusal) {
  const parts = URL_PARTS.exec(text)!;
  const scheme = (parts[1] ?? "http").toLowerCase();
  if (scheme !== "http") return { ok: false, status: 1, message: `curl: (1) Protocol ${scheme} not supported or disabled in libcurl\n` };
  const host = parts[2]!;
  if (host === "") return { ok: false, status: 3, message: "curl: (3) <url> malformed\n" };
  const portText = parts[3];
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return { ok: false, status: 3, message: `curl: (3) Port number ended with '${portText.replace(/^\d*/, "")[0] ?? ""}'\n` };
  const port = portText === undefined || portText === "" ? 80 : Number(portText);
  if (port > 65_535) return { ok: false, status: 3, message: "curl: (3) Port number too large: " + port + "\n" };
  const rebuilt = parts[4] === "";
  const target = rebuilt ? "/" : parts[4]!.startsWith("/") ? parts[4]! : `/${parts[4]}`;
  const prefix = parts[1] === undefined ? "" : `${parts[1]}://`;
  const hostHeader = port === 80 ? host : `${host}:${port}`;
  return { ok: true, url: { host, port, target, rebuilt, text: rebuilt ? `${prefix}${host}${portText === undefined ? "" : `:${portText}`}/` : text, hostHeader } };
}

/** True if `host` is an IPv4 literal (curl skips the resolver for it). */
export function isIpv4Literal(host: string): boolean {
  return parseIpv4(host).ok;
}
