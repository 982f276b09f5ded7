/**
 * The images the model can run, and what Docker says about the others. Each
 * image has its default command (CMD), its stop signal (STOPSIGNAL), the
 * programs on its PATH, and how its main process starts.
 *
 * - `nginx[:tag]`: nginx 1.25.3 (Debian); CMD `nginx -g 'daemon off;'`, STOPSIGNAL SIGQUIT.
 *   Its /bin/sh is dash. (The real image also has curl 7.88.1; it is not modelled here.)
 * - `radial/busyboxplus:curl`: BusyBox 1.22.1 ash with curl 7.35.0; CMD `/bin/sh`.
 * - `radial/busyboxplus[:other tags]`, `busybox[:tag]`, `alpine[:tag]`: BusyBox ash
 *   without curl (their wget is not modelled); CMD `sh` / `/bin/sh`.
 */

import type { App, AppContext, AppFactory, Signal } from "./app.js";
import { curlProgram } from "./curl.js";
import { startNginx } from "./nginx.js";
import { catProgram, hostnameProgram, sleepProgram } from "./sh-applets.js";
import { grepProgram, headProgram, wcProgram } from "./sh-textutils.js";
import { type ShellFlavor, ashFlavor, dashFlavor } from "./sh-flavor.js";
import { type Program, type ProgramTable, findProgram } from "./sh-program.js";
import { shellNames, startShellImage, withShell } from "./shell.js";

/** An image reference split as Docker reads it: `docker.io/library/nginx:1.25` is repository `nginx`, tag `1.25`. */
export interface ImageReference {
  /** The repository in Docker's familiar form (`nginx`, `radial/busyboxplus`). */
  readonly repository: string;
  /** The tag; `latest` when none was given. */
  readonly tag: string;
}

/** What the model knows of an image. */
export interface ImageSpec {
  /** The image's CMD: the command line when the service gives no args. */
  readonly defaultArgv: readonly string[];
  /** The image's STOPSIGNAL (`docker stop` sends it first). */
  readonly stopSignal: Signal;
  /** True if `command` (a name or a path) is something the image can exec. */
  hasExecutable(command: string): boolean;
  /** Starts the main process. */
  readonly start: AppFactory;
}

/**
 * Splits an image reference (`nginx`, `nginx:1.25`, `docker.io/library/nginx:latest`,
 * `radial/busyboxplus:curl`, `nginx@sha256:...`).
 *
 * @example
 * parseImageReference("docker.io/library/nginx") // { repository: "nginx", tag: "latest" }
 */
export function parseImageReference(image: string): ImageReference {
  let name = image.split("@")[0]!;
  let tag = "latest";
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  name = name.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
  return { repository: name, tag };
}

/**
 * The task error `docker service ps` shows for an image the node cannot
 * find (the reference with `:latest` when it had no tag).
 *
 * @example
 * noSuchImageError("nginxx") // "No such image: nginxx:latest"
 */
export function noSuchImageError(image: string): string {
  const bare = image.split("@")[0]!;
  const tagged = bare.lastIndexOf(":") > bare.lastIndexOf("/") ? bare : `${bare}:latest`;
  return `No such image: ${tagged}`;
}

/**
 * The task error for a command the image does not have (runc's exec failure,
 * as `docker service ps --no-trunc` shows it).
 */
export function executableNotFoundError(command: string): string {
  return (
    "starting container failed: failed to create task for container: failed to create shim task: " +
    `OCI runtime create failed: runc create failed: unable to start container process: exec: "${command}": ` +
    "executable file not found in $PATH: unknown"
  );
}

function shellImage(flavor: ShellFlavor, applets: ProgramTable, defaultArgv: readonly string[]): ImageSpec {
  const programs = withShell(flavor, applets);
  return {
    defaultArgv,
    stopSignal: "SIGTERM",
    hasExecutable: (command) => shellNames.has(command) || findProgram(programs, command) !== undefined,
    start: (context: AppContext): App => startShellImage(context, flavor, applets),
  };
}

const BUSYBOX_APPLETS: ReadonlyMap<string, Program> = new Map([
  ["sleep", sleepProgram],
  ["hostname", hostnameProgram],
  ["cat", catProgram],
  ["grep", grepProgram],
  ["head", headProgram],
  ["wc", wcProgram],
]);

/** nginx's own commands; bash and dash run the image's /bin/sh (dash). */
const NGINX_COMMANDS = new Set(["nginx", "nginx-debug", "/usr/sbin/nginx"]);
const NGINX_SHELLS = new Set(["bash", "/bin/bash", "dash", "/bin/dash"]);
const NGINX_SHELL_IMAGE = shellImage(dashFlavor, BUSYBOX_APPLETS, []);

const NGINX_IMAGE: ImageSpec = {
  defaultArgv: ["nginx", "-g", "daemon off;"],
  stopSignal: "SIGQUIT",
  hasExecutable: (command) => NGINX_COMMANDS.has(command) || NGINX_SHELLS.has(command) || NGINX_SHELL_IMAGE.hasExecutable(command),
  start: (context) => {
    const command = context.argv[0] ?? "";
    if (NGINX_COMMANDS.has(command)) return startNginx(context);
    const argv = NGINX_SHELLS.has(command) ? ["sh", ...context.argv.slice(1)] : context.argv;
    return NGINX_SHELL_IMAGE.start({ ...context, argv });
  },
};

const BUSYBOXPLUS_CURL_IMAGE = shellImage(ashFlavor, new Map([...BUSYBOX_APPLETS, ["curl", curlProgram]]), ["/bin/sh"]);
const BUSYBOX_IMAGE = shellImage(ashFlavor, BUSYBOX_APPLETS, ["sh"]);
const ALPINE_IMAGE = shellImage(ashFlavor, BUSYBOX_APPLETS, ["/bin/sh"]);

/**
 * The image an image reference names, or undefined if the model has none
 * by that name (the task fails with `noSuchImageError`).
 *
 * @example
 * imageSpec("radial/busyboxplus:curl")?.defaultArgv // ["/bin/sh"]
 */
export function imageSpec(image: string): ImageSpec | undefined {
  const { repository, tag } = parseImageReference(image);
  switch (repository) {
    case "nginx":
      return NGINX_IMAGE;
    case "radial/busyboxplus":
      return tag === "curl" ? BUSYBOXPLUS_CURL_IMAGE : BUSYBOX_IMAGE;
    case "busybox":
      return BUSYBOX_IMAGE;
    case "alpine":
      return ALPINE_IMAGE;
    default:
      return undefined;
  }
}

/** True if the model can run `image`. */
export function imageKnown(image: string): boolean {
  return imageSpec(image) !== undefined;
}
