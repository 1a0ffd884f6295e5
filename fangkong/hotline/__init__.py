"""12345 hotline work orders (接诉即办): see models.py for the design of intake, dispatch and scoping."""
