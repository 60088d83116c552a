// What codeinject needs from a container engine, as an interface, so code above the adapter can
// be unit-tested with a fake and the dockerode class stays the only thing that talks to Docker
// (the testcontainers-node image-client pattern).
import type { Readable } from 'node:stream';
import type { ImageConfig } from '@codeinject/core';
import type { LayerEntry, LayerFile, PathStat } from './layer-paths.js';

export type Builder = 'buildkit' | 'legacy';

export interface EngineInfo {
  serverVersion: string;
  storageDriver: string;
  /** The containerd image store (default on fresh Docker 29+) rejects partial manifest.json loads. */
  containerdImageStore: boolean;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  created: string;
  size: number;
  config: ImageConfig['config'];
  diffIds: string[];
  /** The storage the engine reports for the image (GraphDriver.Name): overlay2, overlayfs, … */
  graphDriver: string;
}

export interface ImageHistoryItem {
  id: string;
  created: number;
  createdBy: string;
  size: number;
  comment: string;
  tags: string[];
}

export interface BuildOptions {
  tags: string[];
  /** Path of the Dockerfile inside the context tar. */
  dockerfile: string;
  buildArgs?: Record<string, string>;
  target?: string;
  builder: Builder;
  /** `--label`: set on the image's config. */
  labels?: Record<string, string>;
  /** Build without the builder's cache (`docker build --no-cache`). */
  noCache?: boolean;
  /** Pull a newer base image first (`docker build --pull`). */
  pull?: boolean;
  /** Receives the builder's progress lines as they arrive. */
  onProgress?: (line: string) => void;
}

export interface RunOptions {
  cmd?: string[];
  entrypoint?: string[];
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ContainerChange {
  path: string;
  /** 0 modified, 1 added, 2 deleted (Engine API /containers/{id}/changes). */
  kind: 0 | 1 | 2;
}

export interface ReplayContainerOptions {
  /** Absent: the image's own CMD. */
  cmd?: string[];
  /** Absent: the image's own ENTRYPOINT. */
  entrypoint?: string[];
  workdir?: string;
  /** A container name (unique on the engine). */
  name?: string;
  env?: string[];
  labels?: Record<string, string>;
  /** On the default bridge network instead of none (the warm toolchain is reached over it). */
  network?: boolean;
  /** The engine removes the container when it exits. */
  autoRemove?: boolean;
}

export interface ContainerSummary {
  id: string;
  name: string;
  /** When it was created (ISO time). */
  createdAt: string;
  state: string;
  labels: Record<string, string>;
  /** Its address on the bridge network, when it has one. */
  address?: string;
}

export interface Engine {
  info(): Promise<EngineInfo>;
  /** Throws ImageNotFoundError when the reference names no image. */
  inspectImage(reference: string): Promise<ImageSummary>;
  imageHistory(reference: string): Promise<ImageHistoryItem[]>;
  /** Builds a context tar and returns the new image ID. */
  build(context: Readable, options: BuildOptions): Promise<string>;
  /** Runs a throw-away container to completion and returns what it printed. */
  run(image: string, options?: RunOptions): Promise<RunResult>;
  tag(image: string, reference: string): Promise<void>;
  removeImage(reference: string): Promise<void>;
  /** `docker load` of a tarball (docker-archive or OCI layout); returns the loaded image IDs/refs. */
  load(tarball: Readable | Buffer): Promise<string[]>;
  /** `docker save` of one image as a tar stream. */
  save(reference: string): Promise<Readable>;
  /** The exact config bytes of an image (their sha256 is the image ID on the classic store). */
  imageConfig(imageId: string): Promise<Buffer>;
  /** A regular file's bytes from an image, or undefined when the image has no such file. */
  readFile(image: string, path: string): Promise<Buffer | undefined>;
  /** Metadata of the given absolute paths in an image (those that exist). */
  statPaths(image: string, paths: readonly string[]): Promise<Map<string, PathStat>>;
  /**
   * How many of an image's layers hold each path (undefined when its layer files are not
   * readable here): more than one means a whiteout would also hide an older copy.
   */
  layerCounts(image: string, paths: readonly string[]): Promise<Map<string, number> | undefined>;
  /**
   * What one layer of an image holds (`layer` counts from the bottom, as rootfs.diff_ids do),
   * or undefined when its layer files are not readable here.
   */
  layerFiles(image: string, layer: number): Promise<LayerFile[] | undefined>;
  /** The paths of an image's top layer, or undefined when its layer files are not readable here. */
  topLayer(image: string): Promise<LayerEntry[] | undefined>;
  /** A container that has not started yet, without network. Returns its ID. */
  createContainer(image: string, options: ReplayContainerOptions): Promise<string>;
  /** Starts a container without waiting for it. */
  startContainer(container: string): Promise<void>;
  /** IDs of the images that carry a label, given as `key` or `key=value`. */
  findImages(label: string): Promise<string[]>;
  /** Containers (running or not) that carry a label, given as `key` or `key=value`. */
  findContainers(label: string): Promise<ContainerSummary[]>;
  /** Extracts a tar into a (stopped) container's filesystem at `path`. */
  putArchive(container: string, path: string, tarball: Buffer): Promise<void>;
  /** Starts a container and waits for it; returns its exit code and output. */
  startAndWait(container: string): Promise<RunResult>;
  containerChanges(container: string): Promise<ContainerChange[]>;
  /** Whether a path in a container is a directory (HEAD of the archive endpoint: no content moves). */
  isDirectoryInContainer(container: string, path: string): Promise<boolean>;
  /** A tar of one path of a container (a directory comes with its whole subtree). */
  getArchive(container: string, path: string): Promise<Buffer>;
  removeContainer(container: string): Promise<void>;
  /** The merged filesystem of an image, as `docker export` of a created (never started) container. */
  exportFilesystem(image: string): Promise<Readable>;
}
