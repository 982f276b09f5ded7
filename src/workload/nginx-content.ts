/**
 * What the official `nginx:1.25.3` image (Debian bookworm) serves and prints,
 * byte for byte: the default page and its metadata, the built-in error pages,
 * and the lines of its entrypoint and master process. Sources: nginx
 * docs/html/index.html as packaged in the image, src/http/ngx_http_special_response.c,
 * and docker-nginx's docker-entrypoint.sh and /docker-entrypoint.d scripts.
 */

/** The modelled release, as `Server:` and error pages print it (NGINX_VER). */
export const nginxVersion = "nginx/1.25.3";

/** The image's `/usr/share/nginx/html/index.html`: the "Welcome to nginx!" page, 615 bytes. */
export const nginxIndexHtml =
  "<!DOCTYPE html>\n" +
  "<html>\n" +
  "<head>\n" +
  "<title>Welcome to nginx!</title>\n" +
  "<style>\n" +
  "html { color-scheme: light dark; }\n" +
  "body { width: 35em; margin: 0 auto;\n" +
  "font-family: Tahoma, Verdana, Arial, sans-serif; }\n" +
  "</style>\n" +
  "</head>\n" +
  "<body>\n" +
  "<h1>Welcome to nginx!</h1>\n" +
  "<p>If you see this page, the nginx web server is successfully installed and\n" +
  "working. Further configuration is required.</p>\n" +
  "\n" +
  "<p>For online documentation and support please refer to\n" +
  '<a href="http://nginx.org/">nginx.org</a>.<br/>\n' +
  "Commercial support is available at\n" +
  '<a href="http://nginx.com/">nginx.com</a>.</p>\n' +
  "\n" +
  "<p><em>Thank you for using nginx.</em></p>\n" +
  "</body>\n" +
  "</html>\n";

/** The file's mtime in the 1.25.3 image, as `Last-Modified:` prints it. */
export const nginxIndexLastModified = "Tue, 24 Oct 2023 13:46:47 GMT";

/** ngx_http_set_etag: `"<mtime hex>-<size hex>"`; 0x6537cac7 is the mtime above, 0x267 = 615. */
export const nginxIndexEtag = '"6537cac7-267"';

/** The document root of the image's default server (conf.d/default.conf). */
export const nginxDocumentRoot = "/usr/share/nginx/html";

/** The status lines nginx answers with (ngx_http_header_filter_module.c ngx_http_status_lines). */
export const nginxStatusText: Readonly<Record<number, string>> = {
  200: "200 OK",
  400: "400 Bad Request",
  404: "404 Not Found",
  405: "405 Not Allowed",
};

/**
 * The built-in error page for `status` (ngx_http_special_response.c: the
 * page, then ngx_http_error_full_tail with server_tokens on). CRLF line ends.
 *
 * @example
 * nginxErrorPage(404).length // 153
 */
export function nginxErrorPage(status: number): string {
  const title = nginxStatusText[status];
  if (title === undefined) throw new RangeError(`"status" expected one of ${Object.keys(nginxStatusText).join(", ")}, got ${status}`);
  return (
    "<html>\r\n" +
    `<head><title>${title}</title></head>\r\n` +
    "<body>\r\n" +
    `<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>${nginxVersion}</center>\r\n` +
    "</body>\r\n" +
    "</html>\r\n"
  );
}

/** What /docker-entrypoint.sh prints to stdout before it execs nginx (NGINX_ENTRYPOINT_QUIET_LOGS unset). */
export const nginxEntrypointLines: readonly string[] = [
  "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
  "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
  "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
  "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
  "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
  "/docker-entrypoint.sh: Configuration complete; ready for start up",
];

/**
 * The kernel `OS:` names at startup: the modelled nodes run Ubuntu 22.04's
 * kernel (nginx prints the host's uname, not the image's).
 */
export const nginxHostOs = "Linux 5.15.0-91-generic";

/**
 * The master's startup notice after the version line (nginx.c): bookworm's
 * compiler string, with the trailing space NGX_COMPILER carries.
 */
export const nginxBuiltBy = "built by gcc 12.2.0 (Debian 12.2.0-14) ";

/** The startup notice of the open-files limit (ngx_posix_init.c): Docker's default, 1048576. */
export const nginxRlimitNofile = "getrlimit(RLIMIT_NOFILE): 1048576:1048576";

/**
 * The worker processes' PIDs: `worker_processes auto` starts one per CPU;
 * the modelled nodes have two, and the entrypoint's scripts used the PIDs
 * before them (the real image's first worker is around 29-31).
 */
export const nginxWorkerPids: readonly number[] = [29, 30];

/** keepalive_timeout in the image's nginx.conf: an idle kept-alive connection closes after 65 s. */
export const nginxKeepaliveTimeoutSeconds = 65;

/** client_header_timeout's default: a connection that sends no complete request in 60 s is closed. */
export const nginxClientHeaderTimeoutSeconds = 60;

/** keepalive_requests' default since 1.19.10: the 1000th request on a connection gets `Connection: close`. */
export const nginxKeepaliveRequests = 1000;

/**
 * The most request-head bytes nginx buffers (large_client_header_buffers 4 8k);
 * a longer head is answered 400 and the connection closed.
 */
export const nginxMaxRequestHeadBytes = 32_768;
