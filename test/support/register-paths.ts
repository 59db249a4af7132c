// Global setup runs outside jest's module registry, so it resolves the @rollcall/* aliases itself.
import { register } from 'tsconfig-paths';
import { compilerOptions } from '../../tsconfig.json';

register({ baseUrl: `${__dirname}/../..`, paths: compilerOptions.paths });
