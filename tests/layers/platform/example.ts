/** The bundled example environment as the platform layer sees it, for tests that need the layer. */
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { platformSlos } from '../../../environments/platform-slos';
import type { EnvironmentConfig } from '../../../environments/schema';
import type { EngineInputs } from '../../../layers/layer';
import { platformEngineInputs } from '../../../layers/platform/layer';
import { symptomInputs, type SymptomInputs } from '../../../layers/platform/symptoms';
import type { SloCatalog } from '../../../slos/model';

/** environments/example.yaml. */
export const exampleEnv: EnvironmentConfig = loadEnvironmentOrThrow('example');

/** The engine inputs of `env` (the example by default) for `catalog`: platform layer and links. */
export function platformInputs(catalog: SloCatalog, env: EnvironmentConfig = exampleEnv): EngineInputs {
  return platformEngineInputs(catalog, env, platformSlos(env, catalog));
}

/** The symptom inputs of `env` for `catalog`. */
export function exampleSymptoms(catalog: SloCatalog, env: EnvironmentConfig = exampleEnv): SymptomInputs {
  return symptomInputs(platformSlos(env, catalog), env);
}
