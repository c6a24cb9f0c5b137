// candidate_done: once the answers are submitted, this device forgets the
// copies of them it kept (see drafts.js).
import { removeDrafts } from "./drafts.js";

const app = document.querySelector("[data-drafts-done]")?.dataset.draftsDone;
if (app) removeDrafts(app);
