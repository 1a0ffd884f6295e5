"""Down-sunk cadres, volunteers and party members reporting in (issue 20): the registry, deployment by
need, rosters at posts, attendance, health, rest and insurance."""
