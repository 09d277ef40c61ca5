// A stand-in application: slipway copies it into /srv/app/ of the image.
import { greet } from './lib/greet.js';

console.log(greet(process.env.MODE ?? 'development'));
