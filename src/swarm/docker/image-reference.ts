/**
 * Image references as distribution/reference reads them (the grammar of
 * reference/regexp.go, normalized as normalize.go ParseNormalizedNamed does):
 * swarmkit refuses a service whose image does not parse, and the CLI shows a
 * tagged image without its digest.
 */

/** A parsed reference: the normalized name (`docker.io/library/nginx`), its tag and digest if given. */
export interface ImageReference {
  readonly domain: string;
  /** The repository path under the domain: `library/nginx`. */
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

// reference/regexp.go.
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainAndPort = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** An image ID, which ParseNormalizedNamed refuses as a name. */
const anchoredIdentifier = /^[a-f0-9]{64}$/;
/** reference.NameTotalLengthMax. */
const nameTotalLengthMax = 255;
const defaultDomain = "docker.io";
const legacyDefaultDomain = "index.docker.io";
const officialRepoPrefix = "library/";

/**
 * `image` parsed as reference.ParseNormalizedNamed does, or undefined where it
 * fails (swarmkit controlapi/service.go validateImage then answers
 * `ContainerSpec: "X" is not a valid repository/tag`).
 *
 * @example
 * ```ts
 * parseImageReference("nginx:1.27"); // { domain: "docker.io", path: "library/nginx", tag: "1.27", digest: undefined }
 * parseImageReference("Nginx");      // undefined (repository names are lowercase)
 * ```
 */
export function parseImageReference(image: string): ImageReference | undefined {
  if (anchoredIdentifier.test(image)) return undefined;
  const at = image.indexOf("@");
  const digest = at < 0 ? undefined : image.slice(at + 1);
  if (digest !== undefined && !digestPattern.test(digest)) return undefined;
  const named = at < 0 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(":");
  const hasTag = colon > named.lastIndexOf("/");
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  if (tag !== undefined && !tagPattern.test(tag)) return undefined;
  const name = hasTag ? named.slice(0, colon) : named;
  const split = splitDockerDomain(name);
  if (split === undefined || split.domain.length + 1 + split.path.length > nameTotalLengthMax) return undefined;
  if (!domainAndPort.test(split.domain) || !split.path.split("/").every((c) => pathComponent.test(c))) return undefined;
  return { domain: split.domain, path: split.path, tag, digest };
}

/** normalize.go splitDockerDomain: the first component is a domain only if it looks like one. */
function splitDockerDomain(name: string): { domain: string; path: string } | undefined {
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  let domain = isDomain ? first : defaultDomain;
  let path = isDomain ? name.slice(slash + 1) : name;
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !path.includes("/")) path = officialRepoPrefix + path;
  // ParseNormalizedNamed: "repository name must be lowercase".
  if (path.toLowerCase() !== path) return undefined;
  return { domain, path };
}

/** reference.FamiliarName: the name as people write it (`nginx`, `radial/busyboxplus`). */
function familiarName(ref: ImageReference): string {
  if (ref.domain !== defaultDomain) return `${ref.domain}/${ref.path}`;
  const rest = ref.path.slice(officialRepoPrefix.length);
  return ref.path.startsWith(officialRepoPrefix) && !rest.includes("/") ? rest : ref.path;
}

/**
 * The IMAGE column of `docker service ls` and `docker service ps`: a tagged
 * reference as its familiar name and tag, any digest stripped; anything else as
 * given (docker/cli cli/command/service/formatter.go serviceContext.Image,
 * cli/command/task/formatter.go taskContext.Image).
 *
 * @example
 * ```ts
 * displayImage("nginx:1.27@sha256:" + "ab".repeat(32)); // "nginx:1.27"
 * displayImage("nginx");                                // "nginx"
 * ```
 */
export function displayImage(image: string): string {
  const ref = parseImageReference(image);
  return ref?.tag === undefined ? image : `${familiarName(ref)}:${ref.tag}`;
}

/**
 * The image a service is created with: docker/cli resolves `IMAGE` to a
 * tagged reference (reference.TagNameOnly adds `:latest`) before it asks the
 * registry for the digest to pin (cli/command/service/trust.go
 * resolveServiceImageDigestContentTrust, `--resolve-image always`). The model
 * has no registry, so no digest is pinned: the tagged familiar reference is
 * kept, which `docker service ls` shows as the real CLI does (`nginx:latest`).
 *
 * @example
 * ```ts
 * tagNameOnly("nginx");                   // "nginx:latest"
 * tagNameOnly("radial/busyboxplus:curl"); // "radial/busyboxplus:curl"
 * ```
 */
export function tagNameOnly(image: string): string {
  const ref = parseImageReference(image);
  if (ref === undefined || ref.tag !== undefined || ref.digest !== undefined) return image;
  return `${familiarName(ref)}:latest`;
}
