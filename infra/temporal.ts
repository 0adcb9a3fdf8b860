import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { ForgeEnv } from './env';

export function temporalUnreachable(address: string, cause?: unknown): Error {
  const why = cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : '';
  return new Error(
    `Temporal is not reachable at ${address}${why}: start the local one with "npx forge services up", or set ` +
      `TEMPORAL_ADDRESS to your own`,
  );
}

/** A client, or one clear error naming the address and what to do. */
export async function connectClient(env: ForgeEnv): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: env.temporalAddress, connectTimeout: 5000 });
    await connection.healthService.check({});
  } catch (e) {
    throw temporalUnreachable(env.temporalAddress, e);
  }
  return new Client({ connection, namespace: env.temporalNamespace });
}

export async function connectWorker(env: ForgeEnv): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: env.temporalAddress });
  } catch (e) {
    throw temporalUnreachable(env.temporalAddress, e);
  }
}
