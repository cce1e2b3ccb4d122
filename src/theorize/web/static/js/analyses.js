// Analyses: nothing to enhance beyond the shared forms yet; the module marks the page ready for tests.
document.body.dataset.ready = "1";
