/**
 * Docker intents resolved against the sketch: each becomes the commands an
 * operator would type at that point (on a live manager, naming things that
 * exist), with what a fault-free swarm answers as their expectation; an
 * intent with nothing to act on becomes no step.
 */

import type { StepDescription } from "../../../api/index.js";
import { formatDuration } from "../../../sim/index.js";
import type { DockerIntent } from "./intents.js";
import { type Sketch, type SketchNode, choose } from "./sketch.js";

/** How long to let a role change or a new manager settle (role manager, raft membership) before going on. */
const settleUs = 20_000_000;
/** How long a root rotation takes to reach every node here: two reconciler passes and the renewals, with margin. */
const rootRotationUs = 30_000_000;
/** Past a rotation interval by this much, the rotated keys have reached every connected node. */
const rotationMarginUs = 30_000_000;

const wait = (us: number): StepDescription => ({ wait: formatDuration(us) });

/** The steps `intent` resolves to now, updating the sketch. */
export function dockerSteps(sketch: Sketch, intent: DockerIntent): StepDescription[] {
  if (intent.kind === "wait") return [wait(intent.seconds * 1_000_000)];
  if (intent.kind === "wait-rotation") return [wait(sketch.shape.keyRotationUs + rotationMarginUs)];
  const operator = sketch.operator();
  if (operator === undefined) return [];
  const on = operator.name;
  switch (intent.kind) {
    case "node-ls": {
      const listed = sketch.nodes.filter((n) => n.member && !n.removed).map((n) => n.name);
      return [sketch.command("docker node ls", on, { expect: { stdoutContains: listed } })];
    }
    case "network-create": {
      const name = sketch.name("net");
      sketch.networks.push({ name, used: false });
      return [sketch.command(`docker network create --driver overlay${intent.encrypted ? " --opt encrypted" : ""} ${name}`, on)];
    }
    case "network-rm": {
      const network = choose(sketch.networks.filter((n) => !n.used), intent.pick);
      if (network === undefined) return [];
      sketch.networks.splice(sketch.networks.indexOf(network), 1);
      return [sketch.command(`docker network rm ${network.name}`, on)];
    }
    case "service-create":
      return [serviceCreate(sketch, intent, on)];
    case "service-scale": {
      const service = choose(sketch.services, intent.pick);
      return service === undefined ? [] : [sketch.command(`docker service scale ${service.name}=${intent.replicas}`, on)];
    }
    case "service-rm": {
      const service = choose(sketch.services, intent.pick);
      if (service === undefined) return [];
      sketch.services.splice(sketch.services.indexOf(service), 1);
      return [sketch.command(`docker service rm ${service.name}`, on)];
    }
    case "join":
      return join(sketch, intent.pick, operator);
    case "stale-join":
      return staleJoin(sketch, intent.pick, intent.token, operator);
    case "promote": {
      const worker = choose(sketch.live().filter((n) => n.current === "worker"), intent.pick);
      if (worker === undefined) return [];
      worker.current = "manager";
      return [sketch.command(`docker node promote ${worker.name}`, on), wait(settleUs)];
    }
    case "demote":
      return demote(sketch, intent.pick);
    case "node-rm": {
      const worker = choose(sketch.nodes.filter((n) => n.member && !n.removed && n.current === "worker"), intent.pick);
      if (worker === undefined) return [];
      worker.removed = true;
      return [sketch.command(`docker node rm --force ${worker.name}`, on)];
    }
    case "leave": {
      const removed = choose(sketch.nodes.filter((n) => n.member && n.removed && !n.crashed), intent.pick);
      if (removed === undefined) return [];
      removed.member = false;
      removed.removed = false;
      return [sketch.command("docker swarm leave --force", removed.name, { expect: { stdoutContains: ["Node left the swarm."] } })];
    }
    case "rotate-token": {
      const role = intent.manager ? "manager" : "worker";
      sketch.rotateToken(role);
      return [sketch.command(`docker swarm join-token --rotate ${role}`, on, { expect: { stdoutContains: [`Successfully rotated ${role} join token.`] } })];
    }
    case "rotate-root":
      sketch.rotateRoot();
      return [sketch.command("docker swarm ca --rotate -d", on), wait(rootRotationUs)];
  }
}

function serviceCreate(sketch: Sketch, intent: Extract<DockerIntent, { kind: "service-create" }>, on: string): StepDescription {
  const network = intent.network === null ? undefined : choose(sketch.networks, intent.network);
  if (network !== undefined) network.used = true;
  const name = sketch.name(intent.busybox ? "client" : "web");
  const image = intent.busybox ? "radial/busyboxplus:curl" : "nginx";
  // busybox fetches a web service on its network every 5 s, if there is one: traffic for the attacks to pick from.
  const web = sketch.services.find((s) => s.image === "nginx" && s.network !== undefined && s.network === network?.name);
  const args = !intent.busybox ? "" : web === undefined ? " sleep 3600" : ` sh -c 'while true; do curl -s ${web.name}; sleep 5; done'`;
  sketch.services.push({ name, image, network: network?.name });
  return sketch.command(`docker service create --name ${name} --replicas ${intent.replicas}${network === undefined ? "" : ` --network ${network.name}`} ${image}${args}`, on);
}

/** A spare joins with its role's current token, captured first if no fresh one is kept. */
function join(sketch: Sketch, pick: number, operator: SketchNode): StepDescription[] {
  const spare = choose(sketch.spares(), pick);
  if (spare === undefined) return [];
  const steps: StepDescription[] = [];
  let token = sketch.freshToken(spare.role);
  if (token === undefined) {
    token = { variable: sketch.name(`${spare.role.toUpperCase()}_TOKEN`).replace("-", "_"), role: spare.role, stale: undefined };
    sketch.tokens.push(token);
    steps.push(sketch.command(`docker swarm join-token -q ${spare.role}`, operator.name, { capture: token.variable }));
  }
  steps.push(sketch.command(`docker swarm join --token $${token.variable} ${operator.name}:2377`, spare.name, { expect: { stdoutContains: [`This node joined a swarm as a ${spare.role}.`] } }));
  spare.member = true;
  spare.current = spare.role;
  if (spare.role === "manager") steps.push(wait(settleUs));
  return steps;
}

/** A spare tries a token a rotation made stale: refused, by the CA (new secret) or by the node itself (new root's digest). */
function staleJoin(sketch: Sketch, pick: number, tokenPick: number, operator: SketchNode): StepDescription[] {
  const spare = choose(sketch.spares(), pick);
  const token = choose(sketch.tokens.filter((t) => t.stale !== undefined), tokenPick);
  if (spare === undefined || token === undefined) return [];
  const why = token.stale === "root-rotated" ? "remote CA does not match fingerprint" : "A valid join token is necessary to join this cluster";
  return [sketch.command(`docker swarm join --token $${token.variable} ${operator.name}:2377`, spare.name, { expect: { exitCode: 1, stderrContains: [why] } })];
}

/** A manager is demoted from another one, only while every manager is up (so raft keeps its quorum). */
function demote(sketch: Sketch, pick: number): StepDescription[] {
  const managers = sketch.managers();
  if (managers.length < 2 || managers.some((m) => m.crashed) || sketch.inForce.partitioned) return [];
  const target = choose(managers, pick);
  const operator = target === undefined ? undefined : sketch.operator(target.name);
  if (target === undefined || operator === undefined) return [];
  target.current = "worker";
  return [sketch.command(`docker node demote ${target.name}`, operator.name), wait(settleUs)];
}
