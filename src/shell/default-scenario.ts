/**
 * The cluster `swarmsim shell` starts with when no scenario is named: three
 * machines outside any swarm, so the tutorials' first commands (`docker swarm
 * init`, `docker swarm join-token worker`, `docker swarm join --token ...
 * manager-1:2377`) can be typed as written.
 */

/** The name the default cluster is reported under (it has no file). */
export const defaultScenarioFile = "default-cluster";

/**
 * The default cluster as scenario text, so `--set` changes it exactly as it
 * changes a file (`--set cluster.workers=3`, `--set cluster.keyDelay=5m`).
 */
export const defaultScenarioText = `name: shell
description: One manager and two workers, outside any swarm until docker swarm init.
seed: 1
cluster: {managers: 1, workers: 2, bootstrap: manual}
underlay: {latency: 1ms}
steps: []
`;
