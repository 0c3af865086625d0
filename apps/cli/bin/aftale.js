#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through SWC, so `npx aftale` works right after `npm ci`.
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..', '..');
process.env.SWC_NODE_PROJECT =
  process.env.SWC_NODE_PROJECT || path.join(root, 'tsconfig.base.json');
require('@swc-node/register');
require(path.join(root, 'apps', 'cli', 'src', 'main.ts'));
