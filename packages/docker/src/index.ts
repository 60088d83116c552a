export { DockerEngine, type DockerodeLoader, splitReference } from './docker-engine.js';
export type {
  Builder,
  BuildOptions,
  ContainerChange,
  ContainerSummary,
  Engine,
  EngineInfo,
  ImageHistoryItem,
  ImageSummary,
  ReplayContainerOptions,
  RunOptions,
  RunResult,
} from './engine.js';
export { engineAddress, translateEngineError } from './engine-errors.js';
export { type EngineEndpoint, EngineHttp, endpointFromEnv } from './engine-http.js';
export type { LayerEntry, LayerFile, PathStat } from './layer-paths.js';
