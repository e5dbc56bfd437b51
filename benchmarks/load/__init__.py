"""The 50-tablet load run: `python -m benchmarks.load --target spatialite|postgis --tablets 50 --duration 180`.

It starts the server itself on a free loopback port (`server`), reads what the tablets need from the demo data
(`world`), lets simulated tablets log in, sync batches, upload photos and move tasks with replays and cut connections
(`tablets`, over `wire`), then checks the database against what every tablet believes sent (`audit`) and prints and
writes the figures (`report`). See benchmarks/README.md, "Load".
"""
