"""The demo county (`liudong demo`): a deterministic world for 深圳市南山区 and 四川省通江县诺江镇.

- `data`: the fixed places, weights, named accounts and identifier helpers;
- `world`: places, staff, grids, people, rental homes, employers, families (DemoWorld);
- `cases`, `messages`: birth and fee cases and a year of exchange on top of the people;
- `dating`: the date the world carries (the loaded working-day calendar decides, X4);
- `services.build_demo`: all of it through the services of the other apps (invariant 1), and the
  DemoBuild row the home page's notice reads (`context.demo_world`).
The top of the layers: nothing imports the demo; bench/registry.py uses its DemoWorld.
"""
