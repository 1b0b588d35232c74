// Entry point of the built kanskaart-form.js: loading the script registers
// <kanskaart-form>.

import { define } from "./element.js";

define();
