import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

export interface ReplicaSet {
  replicas: GatewayProcess[];
  /** The next replica's URL, in turn: a round-robin load balancer. */
  next(): string;
  stop(): Promise<void>;
}

/** `count` gateway processes on one sandbox, with one environment (REDIS_URL to share one Redis), started together. */
export async function startReplicas(count: number, sandboxUrl: string, env: Record<string, string>): Promise<ReplicaSet> {
  const replicas = await Promise.all(Array.from({ length: count }, () => startGatewayProcess(sandboxUrl, { REPLICAS: String(count), ...env })));
  let turn = 0;
  return {
    replicas,
    next: () => replicas[turn++ % replicas.length]!.url,
    stop: async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
    },
  };
}
