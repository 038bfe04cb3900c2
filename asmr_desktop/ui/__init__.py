"""The Qt front end: thin widgets over the headless core. The only package that imports Qt."""
