"""A tiny grid world for the reinforcement-learning example of lesson 01 (learning from reward)."""

from __future__ import annotations

import numpy as np

ACTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1))
"""Moves as (row, column) steps: up, down, left, right."""


class GridWorld:
    """An n×n grid: start top-left, +1 at the goal, −0.01 a step, walls block moves, episodes cap at `max_steps`.

    States are integers `row * size + col`; `step(action)` returns `(state, reward, done)`.
    """

    def __init__(self, size: int = 5, goal=None, walls=((1, 1), (2, 1), (3, 3)), max_steps: int = 50):
        self.size, self.max_steps = size, max_steps
        self.goal = tuple(goal) if goal is not None else (size - 1, size - 1)
        self.walls = frozenset(map(tuple, walls))
        self.num_states, self.num_actions = size * size, len(ACTIONS)
        self.reset()

    def reset(self) -> int:
        """Put the agent back at the start and return the start state."""
        self.pos, self.steps = (0, 0), 0
        return self._state()

    def _state(self) -> int:
        return self.pos[0] * self.size + self.pos[1]

    def step(self, action: int):
        """Move (walls and edges block), and return `(state, reward, done)`."""
        dr, dc = ACTIONS[action]
        r, c = self.pos[0] + dr, self.pos[1] + dc
        if 0 <= r < self.size and 0 <= c < self.size and (r, c) not in self.walls:
            self.pos = (r, c)
        self.steps += 1
        at_goal = self.pos == self.goal
        reward = 1.0 if at_goal else -0.01
        return self._state(), reward, at_goal or self.steps >= self.max_steps

    def render(self, Q=None) -> str:
        """Return the grid as text; with a Q-table, show the greedy action in each cell."""
        arrows = "^v<>"
        rows = []
        for r in range(self.size):
            row = ""
            for c in range(self.size):
                if (r, c) in self.walls:
                    row += "#"
                elif (r, c) == self.goal:
                    row += "G"
                elif Q is not None:
                    row += arrows[int(np.argmax(Q[r * self.size + c]))]
                else:
                    row += "S" if (r, c) == (0, 0) else "."
            rows.append(row)
        return "\n".join(rows)


def episode_return(env: GridWorld, policy) -> float:
    """Run one episode with `policy(state) -> action` and return the total reward."""
    state, total, done = env.reset(), 0.0, False
    while not done:
        state, reward, done = env.step(policy(state))
        total += reward
    return total
