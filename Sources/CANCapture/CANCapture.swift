// Capture formats live here.
