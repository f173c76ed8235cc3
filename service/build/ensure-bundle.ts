// Builds service/dist when its sources changed since the last build, saying so; silent when it is current.
import { ensureServiceBundle } from './bundle.js';

const { built } = await ensureServiceBundle();
if (built) console.error('service/dist/index.js built from the current sources');
