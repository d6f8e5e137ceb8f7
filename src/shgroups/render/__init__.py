"""Documents shg writes for others to open: self-contained web pages and their charts."""
