"""govsocial: inventory of public bodies' social-media presence and tracking technology."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("govsocial")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
