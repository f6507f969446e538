"""An independent ODE right-hand side built from the SBML with libSBML, for scipy.

Used to cross-check libroadrunner (CVODE) against scipy's LSODA on the same
equations: the math is read from the exported SBML and interpreted here, without
using roadrunner's own right-hand side.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

Env = dict[str, float]
Fn = Callable[[Env], float]


def _compile(node) -> Fn:
    import libsbml as L

    t = node.getType()
    kids = [_compile(node.getChild(i)) for i in range(node.getNumChildren())]
    if t in (L.AST_INTEGER,):
        v = float(node.getInteger())
        return lambda env: v
    if t in (L.AST_REAL, L.AST_REAL_E, L.AST_RATIONAL):
        v = float(node.getReal())
        return lambda env: v
    if t == L.AST_NAME_TIME:
        return lambda env: env["time"]
    if t == L.AST_NAME:
        name = node.getName()
        return lambda env: env[name]
    if t == L.AST_PLUS:
        return lambda env: sum(k(env) for k in kids)
    if t == L.AST_TIMES:
        return lambda env: math.prod(k(env) for k in kids)
    if t == L.AST_MINUS:
        if len(kids) == 1:
            return lambda env: -kids[0](env)
        return lambda env: kids[0](env) - kids[1](env)
    if t == L.AST_DIVIDE:
        return lambda env: kids[0](env) / kids[1](env)
    if t in (L.AST_POWER, L.AST_FUNCTION_POWER):
        return lambda env: operator.pow(kids[0](env), kids[1](env))
    raise NotImplementedError(f"MathML node type {t} ({node.getName()}) not supported")


@dataclass
class OdeSystem:
    species: list[str]
    y0: np.ndarray
    rhs: Callable[[float, np.ndarray], np.ndarray]
    observe: Callable[[np.ndarray], Env]


def from_sbml(text: str, overrides: Mapping[str, float] | None = None) -> OdeSystem:
    """Build y' = S v(y) from the SBML's reactions, rules, parameters and species."""
    import libsbml

    doc = libsbml.readSBMLFromString(text)
    model = doc.getModel()
    base: Env = {}
    for i in range(model.getNumCompartments()):
        c = model.getCompartment(i)
        base[c.getId()] = c.getSize()
    for i in range(model.getNumParameters()):
        p = model.getParameter(i)
        if p.isSetValue():
            base[p.getId()] = p.getValue()
    floating: list[str] = []
    y0: list[float] = []
    init_rules: dict[str, Fn] = {}
    for i in range(model.getNumInitialAssignments()):
        ia = model.getInitialAssignment(i)
        init_rules[ia.getSymbol()] = _compile(ia.getMath())
    for i in range(model.getNumSpecies()):
        s = model.getSpecies(i)
        amount = s.getInitialAmount() if s.isSetInitialAmount() else s.getInitialConcentration()
        base[s.getId()] = amount
        if not s.getBoundaryCondition():
            floating.append(s.getId())
    base.update(overrides or {})
    for sym, fn in init_rules.items():
        base[sym] = fn(base)
    y0 = [base[s] for s in floating]
    rules = [(model.getRule(i).getVariable(), _compile(model.getRule(i).getMath()))
             for i in range(model.getNumRules()) if model.getRule(i).isAssignment()]
    index = {s: k for k, s in enumerate(floating)}
    reactions = []
    for i in range(model.getNumReactions()):
        r = model.getReaction(i)
        stoich: list[tuple[int, float]] = []
        for j in range(r.getNumReactants()):
            sr = r.getReactant(j)
            if sr.getSpecies() in index:
                stoich.append((index[sr.getSpecies()], -sr.getStoichiometry()))
        for j in range(r.getNumProducts()):
            sr = r.getProduct(j)
            if sr.getSpecies() in index:
                stoich.append((index[sr.getSpecies()], sr.getStoichiometry()))
        reactions.append((_compile(r.getKineticLaw().getMath()), stoich))

    def env_of(t: float, y: np.ndarray) -> Env:
        env = dict(base)
        env["time"] = t
        for s, v in zip(floating, y, strict=True):
            env[s] = float(v)
        for _ in range(2):  # rules may reference rules defined later
            for var, fn in rules:
                try:
                    env[var] = fn(env)
                except KeyError:
                    continue
        return env

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        env = env_of(t, y)
        dy = np.zeros(len(floating))
        for law, stoich in reactions:
            v = law(env)
            for k, c in stoich:
                dy[k] += c * v
        return dy

    return OdeSystem(floating, np.array(y0), rhs, lambda y: env_of(0.0, y))


def lsoda_readouts(
    text: str, overrides: Mapping[str, float], times: np.ndarray, readouts: list[str],
    rtol: float = 1e-8, atol: float = 1e-10,
) -> np.ndarray:
    """Integrate with scipy LSODA and return readouts at `times` (rows) x `readouts`."""
    from scipy.integrate import solve_ivp

    system = from_sbml(text, overrides)
    sol = solve_ivp(system.rhs, (float(times[0]), float(times[-1])), system.y0,
                    method="LSODA", t_eval=times, rtol=rtol, atol=atol)
    if not sol.success:  # pragma: no cover - diagnostic
        raise RuntimeError(sol.message)
    return np.array([[system.observe(sol.y[:, j])[r] for r in readouts]
                     for j in range(sol.y.shape[1])])
