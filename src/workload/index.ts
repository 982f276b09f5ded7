/**
 * The workload: what runs in a swarm task's container. A container's network
 * namespace (the project's TCP stack per overlay endpoint, plus IPVS for
 * service VIPs), and the modelled images' main processes: nginx 1.25.3, and
 * BusyBox sh with curl 7.35.0 (radial/busyboxplus:curl).
 *
 * @example
 * const made = createContainer({ image: "nginx", rng, scheduler, trace, tcp, lookup });
 * if (made.ok) {
 *   const joined = driver.joinEndpoint(network, endpoint, made.container.receive);
 *   if (joined.ok) made.container.attach(joined.link);
 *   made.container.start();
 *   made.container.on("exit", (code) => report(code));
 * }
 */
export { type LogLine, type EndpointLink, type PacketSink, type ServiceLookup } from "./types.js";
export {
  type ContainerState,
  type ContainerEvents,
  type ContainerOptions,
  type CreateResult,
  type StartResult,
  Container,
  createContainer,
  randomId64,
  defaultStopGraceUs,
  sandboxTeardownUs,
  killedExitCode,
} from "./container.js";
export {
  type ImageReference,
  type ImageSpec,
  parseImageReference,
  imageSpec,
  imageKnown,
  noSuchImageError,
  executableNotFoundError,
} from "./images.js";
export { type ConnectResult, type NamespaceCounters, type NetworkNamespaceOptions, NetworkNamespace } from "./netns.js";
export { type IpvsConnection, type RoutedSegment, IpvsTable, ipvsConnectionsMax } from "./ipvs.js";
export { type App, type AppContext, type AppFactory, type OutputStream, type ProcessClock, type Signal } from "./app.js";
export { containerLogLinesMax } from "./log-lines.js";
export { type WorkloadTraceKinds } from "./trace-kinds.js";
export { nginxVersion, nginxIndexHtml, nginxErrorPage } from "./nginx-content.js";
export { nginxPort } from "./nginx.js";
export { curlVersion, curlUserAgent } from "./curl.js";
