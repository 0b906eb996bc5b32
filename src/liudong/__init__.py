"""Liudong (流动): information system for the service and management of the floating population."""
