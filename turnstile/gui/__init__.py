"""The Qt user interface: the kiosk screen and the admin panel."""
