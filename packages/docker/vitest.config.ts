import { defineConfig } from 'vitest/config';
import { vitestProjects } from '../../vitest.shared.js';

export default defineConfig({ test: { projects: vitestProjects(import.meta.dirname) } });
