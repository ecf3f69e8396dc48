"""A faithful local emulator of every network's API; the demo and the tests run against it."""
