// The gateway feed formats, one per file; config keys and /feeds/<name> URLs use their names.
import type { FeedFormat } from '../decision';
import { crowdsecFeed } from './crowdsec';
import { envoyFeed } from './envoy';
import { jsonFeed } from './json';
import { kongFeed } from './kong';
import { nginxFeed } from './nginx';

export const FEEDS: readonly FeedFormat[] = [nginxFeed, envoyFeed, kongFeed, crowdsecFeed, jsonFeed];
